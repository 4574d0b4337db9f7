/**
 * The network mode of every query and mutation of the playground's client. TanStack Query's
 * default, `'online'`, pauses them while the browser says it is offline, so Send spun forever
 * with the network gone. The mock servers run in the page: the browser's network says nothing
 * about whether they answer, so requests always run.
 * @see https://tanstack.com/query/v5/docs/framework/react/guides/network-mode
 */
export const CLIENT_NETWORK_MODE = 'always' as const;
