import { describe, expect, it } from "vitest";
import { isTimeZone, validTimeZone } from "../../src/platform/time/time-zone";

describe("time-zone validity, remembered per isolate", () => {
  it("gives the same answer when asked again, for valid and invalid zones alike", () => {
    for (let i = 0; i < 2; i++) {
      expect(isTimeZone("Europe/Paris")).toBe(true);
      expect(isTimeZone("Mars/Olympus")).toBe(false);
    }
    expect(validTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(validTimeZone("Mars/Olympus")).toBe("UTC");
    expect(validTimeZone(null)).toBe("UTC");
    expect(validTimeZone("")).toBe("UTC");
  });

  it("stays correct after more distinct zones than it remembers, so request input cannot grow it or poison it", () => {
    for (let i = 0; i < 2500; i++) expect(isTimeZone(`Nowhere/Place_${i}`)).toBe(false);
    expect(isTimeZone("America/Sao_Paulo")).toBe(true);
    expect(isTimeZone("Nowhere/Place_1")).toBe(false);
  });
});
