import { LESSON_FILES } from './lesson-sources.ts';

/** One more than the highest number in lessons/, as lessons/README.md asks of a new lesson. */
const NEXT_NUMBER =
  Math.max(0, ...LESSON_FILES.map((file) => Number(/\/(\d+)[-_]/.exec(file)?.[1] ?? 0))) + 1;

/** What "New lesson" starts from: the skeleton every lesson follows (see lessons/README.md). */
export const NEW_LESSON_FILE = `lessons/${String(NEXT_NUMBER).padStart(2, '0')}-my-new-lesson.md`;

export const LESSON_TEMPLATE = `---
title: My new lesson
summary: One sentence for the lesson list.
order: ${NEXT_NUMBER}
duration: 5 min
---

What the learner will be able to do at the end, in one or two sentences.

## Get a token

Show first, then let them do.

\`\`\`request id=get-token title="Get a token for demo-client" expect=200 save=access_token auth-method=client_secret_basic
POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
Authorization: Basic {{$basic demo-client demo-secret}}

grant_type=client_credentials&scope=read:users
\`\`\`

\`\`\`jwt title="What the server gave you" highlight="scope aud exp"
\`\`\`

## Call the API

\`\`\`request id=list-users title="Call the API with the token" expect=200
GET https://api.example.com/api/v1/users
Authorization: Bearer {{access_token}}
\`\`\`

## Recap

- A point the learner should remember.
- Another one.
`;
