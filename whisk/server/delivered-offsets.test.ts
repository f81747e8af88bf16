import { describe, expect, it } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { BEFORE_EVERYTHING, DeliveredOffsets, REMEMBERED_FOR_MS } from "./delivered-offsets";

const at = (offset: string, epoch = "e1") => ({ epoch, offset });

describe("DeliveredOffsets", () => {
  it("counts each offset once, in any order, and everything at or below the floor as delivered", () => {
    const offsets = new DeliveredOffsets(at("5"));
    expect(offsets.deliverOnce(at("5"))).toBe(false);
    expect(offsets.deliverOnce(at("3"))).toBe(false);
    expect(offsets.deliverOnce(at("8"))).toBe(true);
    expect(offsets.deliverOnce(at("7"))).toBe(true);
    expect(offsets.deliverOnce(at("8"))).toBe(false);
    expect(offsets.deliverOnce(at("7"))).toBe(false);
  });

  it("forgets offsets after one to two windows, raising the floor to the newest it forgot", () => {
    const clock = manualClock();
    const offsets = new DeliveredOffsets(at(BEFORE_EVERYTHING), clock.now);
    for (const offset of ["1", "3", "2"]) offsets.deliverOnce(at(offset));
    clock.advance(REMEMBERED_FOR_MS);
    offsets.deliverOnce(at("4"));
    expect(offsets.floor).toEqual(at(BEFORE_EVERYTHING)); // still held exactly, in the older window
    clock.advance(REMEMBERED_FOR_MS);
    expect(offsets.deliverOnce(at("5"))).toBe(true);
    expect(offsets.floor).toEqual(at("3"));
    // 4 is still held exactly; 2 and 3 are below the floor.
    expect(offsets.deliverOnce(at("4"))).toBe(false);
    expect(offsets.deliverOnce(at("2"))).toBe(false);
    // Idle for a long time: everything ages out, the floor is the newest delivered.
    clock.advance(10 * REMEMBERED_FOR_MS);
    expect(offsets.deliverOnce(at("6"))).toBe(true);
    expect(offsets.floor).toEqual(at("5"));
  });

  it("starts again, with nothing counted, on a new epoch", () => {
    const offsets = new DeliveredOffsets(at("9"));
    expect(offsets.deliverOnce(at("1", "e2"))).toBe(true);
    expect(offsets.floor).toEqual(at(BEFORE_EVERYTHING, "e2"));
    expect(offsets.deliverOnce(at("1", "e2"))).toBe(false);
  });
});
