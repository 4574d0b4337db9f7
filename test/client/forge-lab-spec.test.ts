import { describe, expect, it } from 'vitest';
import { CHECK_SHORT, FORGE_PRESETS } from '../../src/client/forge.ts';
import { FORGE_CHECK_NAMES, FORGE_PRESET_IDS, forgeLab } from '../../src/lessons/labs/forge.ts';

describe('the forge lab spec (build time) and the forge (run time) agree', () => {
  it('lists the same preset ids in the same order', () => {
    expect([...FORGE_PRESET_IDS]).toEqual(FORGE_PRESETS.map((p) => p.id));
  });

  it('has a rejected-at outcome for every check a preset can stop at', () => {
    for (const preset of FORGE_PRESETS) {
      if (!preset.expected) continue;
      const short = CHECK_SHORT[preset.expected];
      expect(FORGE_CHECK_NAMES).toContain(short);
      expect(forgeLab.outcomes).toHaveProperty(`rejected-at-${short}`);
    }
  });

  it('refuses unknown presets and keys in the YAML, and fills defaults', () => {
    expect(forgeLab.config.safeParse({}).data).toEqual({ from: 'access_token', route: 'users' });
    expect(forgeLab.config.safeParse({ presets: ['nope'] }).success).toBe(false);
    expect(forgeLab.config.safeParse({ colour: 'red' }).success).toBe(false);
    expect(forgeLab.config.safeParse({ from: 'not a var' }).success).toBe(false);
  });
});
