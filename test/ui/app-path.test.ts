/**
 * The app path of the address bar's path. A static host without rewrite rules serves the build's
 * files by their own names, so `/lessons/first-token.html` must open the lesson it holds.
 */
import { describe, expect, it } from 'vitest';
import { appPath } from '../../src/ui/shared/router.tsx';

describe('appPath', () => {
  it('reads a prerendered lesson file as its lesson page', () => {
    expect(appPath('/lessons/first-token.html', '')).toBe('/lessons/first-token');
    expect(appPath('/index.html', '')).toBe('/');
  });

  it('removes a sub-path deploy base first', () => {
    expect(appPath('/ccp/lessons/first-token.html', '/ccp')).toBe('/lessons/first-token');
    expect(appPath('/ccp/lessons/first-token', '/ccp')).toBe('/lessons/first-token');
    expect(appPath('/ccp/index.html', '/ccp')).toBe('/');
    expect(appPath('/ccp/', '/ccp')).toBe('/');
    expect(appPath('/ccp', '/ccp')).toBe('/');
  });

  it('leaves every other path as it is', () => {
    expect(appPath('/', '')).toBe('/');
    expect(appPath('/server', '')).toBe('/server');
    expect(appPath('/editor', '')).toBe('/editor');
    expect(appPath('/lessons/first-token', '')).toBe('/lessons/first-token');
    // Only a lesson's own file: not deeper paths, not other folders.
    expect(appPath('/lessons/a/b.html', '')).toBe('/lessons/a/b.html');
    expect(appPath('/server.html', '')).toBe('/server.html');
  });
});
