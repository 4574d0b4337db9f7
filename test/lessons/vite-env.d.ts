// The lesson tests render UI components that import their CSS, as Vite allows.
/// <reference types="vite/client" />
