import { describe, expect, it } from 'vitest';
import { pairedTTest } from './paired-t-test.ts';

// Student's sleep data (Cushny & Peebles 1905; R's datasets::sleep): extra hours of sleep with two drugs, 10 patients.
const DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('pairedTTest', () => {
  it("reproduces R's t.test(paired = TRUE) on the sleep data", () => {
    // R: t = -4.0621, df = 9, p-value = 0.002833, 95 percent CI -2.4598858 -0.7001142, mean difference -1.58.
    // scipy.stats.ttest_rel: t -4.062127683382037, p 0.002832890197384273, CI (-2.459885763276983, -0.7001142367230175).
    const r = pairedTTest(DRUG1, DRUG2);
    expect(r.df).toBe(9);
    expect(r.meanDifference).toBeCloseTo(-1.58, 12);
    expect(r.t).toBeCloseTo(-4.062127683382037, 10);
    expect(r.p).toBeCloseTo(0.002832890197384273, 10);
    expect(r.ci?.[0]).toBeCloseTo(-2.459885763276983, 7);
    expect(r.ci?.[1]).toBeCloseTo(-0.7001142367230175, 7);
    // Cohen's d_z = mean / sd of the differences (numpy: -1.2845575625910546).
    expect(r.cohensDz).toBeCloseTo(-1.2845575625910546, 10);
  });

  it('gives a p-value near 1 and an interval around 0 for two methods of equal level', () => {
    // scipy.stats.ttest_rel: t -0.020595273809257457, p 0.9841432724176268, CI (-0.01447674080163337, 0.014226740801633341).
    const r = pairedTTest([0.815, 0.842, 0.79, 0.801, 0.836, 0.772, 0.828, 0.809], [0.812, 0.819, 0.806, 0.81, 0.821, 0.801, 0.817, 0.808]);
    expect(r.t).toBeCloseTo(-0.020595273809257457, 10);
    expect(r.p).toBeCloseTo(0.9841432724176268, 7); // jstat: within 1e-8
    expect(r.ci?.[0]).toBeCloseTo(-0.01447674080163337, 8);
    expect(r.ci?.[1]).toBeCloseTo(0.014226740801633341, 8);
  });

  it('has a defined result for degenerate input: null with a reason', () => {
    const same = pairedTTest([1, 2, 3], [1, 2, 3]);
    expect(same).toMatchObject({ n: 3, meanDifference: 0, sdDifference: 0, t: null, p: null, ci: null, cohensDz: null });
    expect(same.reason).toMatch(/do not vary/);
    const shifted = pairedTTest([2, 3, 4], [1, 2, 3]);
    expect(shifted).toMatchObject({ meanDifference: 1, t: null, p: null });
    const one = pairedTTest([1], [2]);
    expect(one).toMatchObject({ n: 1, meanDifference: -1, p: null });
    expect(one.reason).toMatch(/at least 2 pairs/);
  });

  it('refuses samples of different lengths, naming the field', () => {
    expect(() => pairedTTest([1, 2], [1, 2, 3])).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'b' }));
  });
});
