import { describe, expect, it } from "vitest";
import { buildEditFormData, EDIT_DEFAULTS, editRequestInput, type EditSubmission, type Reference } from "@/components/edit/edit-form-data";
import { checkEditRequest } from "@/lib/generations/request-schema";

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: "image/png" });
const request: EditSubmission["request"] = { prompt: "add a red kite", size: "auto", quality: "high", output_format: "png", background: "auto", n: 2, partial_images: 1, fallback: true };
const upload = { kind: "upload" as const, file: png("beach.png"), url: "blob:1", width: 1536, height: 1024 };
const stored = { kind: "stored" as const, id: "11111111-1111-4111-8111-111111111111", url: "/api/images/1", width: 1024, height: 1024 };
const ref = (key: string): Reference => ({ key, kind: "upload", file: png(`${key}.png`), url: `blob:${key}` });
const storedRef = (id: string): Reference => ({ key: id, kind: "stored", id, url: `/api/images/${id}/thumb` });

/** Every part of the body in order: a file as its name, a field as its value. */
const parts = (body: FormData) => [...body.entries()].map(([key, value]) => [key, typeof value === "string" ? value : `file:${value.name}`]);

describe("buildEditFormData", () => {
  it("sends an uploaded image first, its references after it in order, the mask and every field", async () => {
    const mask = new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" });
    const body = buildEditFormData({ image: upload, references: [ref("r1"), ref("r2")], mask, request, protect: true });
    expect(parts(body)).toEqual([
      ["image[]", "file:beach.png"],
      ["image[]", "file:r1.png"],
      ["image[]", "file:r2.png"],
      ["mask", "file:mask.png"],
      ["prompt", "add a red kite"],
      ["size", "auto"],
      ["quality", "high"],
      ["output_format", "png"],
      ["background", "auto"],
      ["n", "2"],
      ["partial_images", "1"],
      ["fallback", "true"],
      ["protect", "true"],
    ]);
    const sentMask = body.get("mask") as File;
    expect(new Uint8Array(await sentMask.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("names a stored image and stored references by id, and leaves out a mask that was never painted", () => {
    const id = "22222222-2222-4222-8222-222222222222";
    const body = buildEditFormData({ image: stored, references: [storedRef(id), ref("r1")], mask: null, request, protect: false });
    expect(body.get("source_image_id")).toBe(stored.id);
    expect(body.getAll("reference_image_id")).toEqual([id]);
    expect(body.getAll("image[]").map((f) => (f as File).name)).toEqual(["r1.png"]);
    expect(body.has("mask")).toBe(false);
    expect(body.get("protect")).toBe("false");
  });

  it("sends compression only when the request has it, and never moderation or model", () => {
    const body = buildEditFormData({ image: upload, references: [], mask: null, request: { ...request, output_format: "webp", output_compression: 70 }, protect: true });
    expect(body.get("output_compression")).toBe("70");
    expect(body.has("moderation")).toBe(false);
    expect(body.has("model")).toBe(false);
    expect(buildEditFormData({ image: upload, references: [], mask: null, request, protect: true }).has("output_compression")).toBe(false);
  });
});

describe("editRequestInput", () => {
  it("gives the edit schema the studio form's fields without moderation, the size auto by default", () => {
    const input = editRequestInput({ ...EDIT_DEFAULTS, prompt: "make it night", moderation: "low" });
    expect(input).not.toHaveProperty("moderation");
    const check = checkEditRequest(input, { allowTransparent: false });
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.request).toMatchObject({ prompt: "make it night", size: "auto", n: 1, partial_images: 2 });
  });

  it("lets the edit schema name half-typed fields", () => {
    const check = checkEditRequest(editRequestInput({ ...EDIT_DEFAULTS, prompt: "", images: "" }), { allowTransparent: false });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(Object.keys(check.fieldErrors).sort()).toEqual(["n", "prompt"]);
  });
});
