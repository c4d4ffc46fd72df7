"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { buildEditFormData, EDIT_DEFAULTS, editRequestInput, type EditedImage, type Reference } from "@/components/edit/edit-form-data";
import { fieldProblem, firstTarget, serverFieldErrors, serverProblem } from "@/components/edit/edit-problems";
import { EditSettings } from "@/components/edit/edit-settings";
import { ImagePicker, IMAGE_INPUT_ID } from "@/components/edit/image-picker";
import { ImageStage } from "@/components/edit/image-stage";
import { pixelRefusal, placeIncoming, refusalText, type UploadLimits } from "@/components/edit/incoming-files";
import { readPicture } from "@/components/edit/read-picture";
import { ReferenceList } from "@/components/edit/reference-list";
import { submitEdit } from "@/components/edit/submit-edit";
import { useObjectUrls } from "@/components/edit/use-object-urls";
import { usePasteAndDrop, type DropTarget } from "@/components/edit/use-paste-drop";
import type { MaskEditorHandle } from "@/components/mask-editor/types";
import type { Asked, FormValues } from "@/components/studio/form-values";
import { GenerationView } from "@/components/studio/generation-view";
import { ProblemSummary, type Problem } from "@/components/studio/problem-summary";
import { checkEditRequest, type FieldErrors } from "@/lib/generations/request-schema";

/** An image already in this person's history, as the page found it (lib/db/image-info.ts). */
export type StoredPicture = { id: string; url: string; thumbUrl: string; width: number; height: number; generationId: string; prompt: string };

type EditStudioProps = {
  initialImage: StoredPicture | null;
  initialReferences: StoredPicture[];
  /** An edit to reattach to, from `?g=` on load. */
  initialGenerationId: string | null;
  allowTransparent: boolean;
  limits: UploadLimits;
  /** How many images the address named that are not (or no longer) this person's. */
  missing: number;
};

type Current = { id: string; asked: Asked | null };

/**
 * The edit page: the image in the mask editor (or a picker until there is one), its references,
 * the prompt and settings; Apply edit posts them to `/api/edits` and the edit is followed in
 * place with the studio's own result view.
 */
export function EditStudio({ initialImage, initialReferences, initialGenerationId, allowTransparent, limits, missing }: EditStudioProps) {
  const urls = useObjectUrls();
  const [image, setImage] = useState<EditedImage | null>(initialImage && storedImage(initialImage));
  const [origin, setOrigin] = useState(initialImage && { generationId: initialImage.generationId, prompt: initialImage.prompt });
  const [references, setReferences] = useState<Reference[]>(() => initialReferences.map((r) => ({ key: r.id, kind: "stored", id: r.id, url: r.thumbUrl })));
  const [values, setValues] = useState<FormValues>(EDIT_DEFAULTS);
  const [protect, setProtect] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [current, setCurrent] = useState<Current | null>(initialGenerationId ? { id: initialGenerationId, asked: null } : null);
  const [pending, setPending] = useState(false);
  const handle = useRef<MaskEditorHandle>(null);
  const results = useRef<HTMLDivElement>(null);
  const uploads = useRef(0);
  // Files may arrive twice before a render (a drop, then a paste): placement reads the latest.
  const latest = useRef({ hasImage: image !== null, references: references.length });
  useEffect(() => {
    latest.current = { hasImage: image !== null, references: references.length };
  }, [image, references.length]);

  const choose = useCallback(
    (next: EditedImage | null, from: { generationId: string; prompt: string } | null) => {
      setImage((previous) => {
        if (previous?.kind === "upload") urls.release(previous.url);
        return next;
      });
      setOrigin(from);
      latest.current.hasImage = next !== null;
    },
    [urls],
  );

  const take = useCallback(
    async (files: File[], target: DropTarget) => {
      const placed = placeIncoming(files, { ...latest.current, limits, as: target });
      const refused = refusalText(placed.refused);
      if (placed.references.length > 0) {
        latest.current.references += placed.references.length;
        const added = placed.references.map((file): Reference => ({ key: `upload-${(uploads.current += 1)}`, kind: "upload", file, url: urls.create(file) }));
        setReferences((existing) => [...existing, ...added]);
      }
      if (placed.image) {
        const file = placed.image;
        latest.current.hasImage = true; // held while the picture loads, so a second file becomes a reference
        const loaded = await loadEdited(file, limits);
        if (typeof loaded === "string") {
          latest.current.hasImage = false;
          refused.push(loaded);
        } else {
          urls.adopt(loaded.url);
          choose(loaded, null);
        }
      }
      setProblem(refused.length > 0 ? { heading: refused.length === 1 ? "This file was not added:" : "These files were not added:", items: refused.map((message) => ({ target: undefined, message })), code: "invalid_upload" } : null);
    },
    [choose, limits, urls],
  );
  const dragging = usePasteAndDrop(take);

  function removeReference(key: string) {
    setReferences((existing) =>
      existing.filter((reference) => {
        if (reference.key !== key) return true;
        if (reference.kind === "upload") urls.release(reference.url);
        return false;
      }),
    );
  }

  function changeImage() {
    choose(null, null);
    const url = new URL(window.location.href);
    url.searchParams.delete("image");
    window.history.replaceState(null, "", url);
  }

  function follow(id: string, asked: Asked) {
    // The id goes in the URL without a navigation, so a reload reattaches to the same stream.
    const url = new URL(window.location.href);
    url.searchParams.set("g", id);
    window.history.replaceState(null, "", url);
    setCurrent({ id, asked });
    requestAnimationFrame(() => results.current?.scrollIntoView({ behavior: "smooth", block: "start" }));
  }

  async function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!image) {
      setProblem({ heading: "Choose the image to edit first:", items: [{ target: IMAGE_INPUT_ID, message: "Image to edit" }] });
      document.getElementById(IMAGE_INPUT_ID)?.focus();
      return;
    }
    const check = checkEditRequest(editRequestInput(values), { allowTransparent });
    if (!check.ok) {
      setErrors(check.fieldErrors);
      setProblem(fieldProblem(check.fieldErrors, values));
      const target = firstTarget(check.fieldErrors, values);
      if (target) document.getElementById(target)?.focus();
      return;
    }
    setErrors({});
    setProblem(null);
    setPending(true);
    try {
      const mask = await (handle.current?.exportMask() ?? Promise.resolve(null));
      const started = await submitEdit(buildEditFormData({ image, references, mask, request: check.request, protect }));
      if (!started.ok) {
        setErrors(serverFieldErrors(started.error));
        setProblem(serverProblem(started.error, values));
        return;
      }
      // `auto` is the edited image's own size, when valid: the placeholders take its shape.
      const size = check.request.size === "auto" ? `${image.width}x${image.height}` : check.request.size;
      follow(started.id, { prompt: check.request.prompt, size, n: check.request.n });
    } catch {
      setProblem({ heading: "The mask could not be read out of the editor; try Apply edit again.", items: [] });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_380px]">
      <div className="min-w-0 space-y-6">
        {missing > 0 && (
          <p className="rounded-md border border-zinc-700 bg-zinc-900 p-3 text-sm text-zinc-300">
            {missing === 1 ? "An image this link names is" : `${missing} images this link names are`} not in your history any more; it may have been deleted.
          </p>
        )}
        {image ? <ImageStage image={image} origin={origin} handle={handle} onChangeImage={changeImage} /> : <ImagePicker onFiles={(files) => void take(files, "auto")} dragging={dragging} />}
        <div ref={results} className="scroll-mt-4 space-y-2">
          {current && (
            <>
              <GenerationView key={current.id} id={current.id} asked={current.asked} />
              <Link href={`/history/${current.id}`} className="inline-block text-sm text-sky-400 hover:underline">
                Open this edit in history
              </Link>
            </>
          )}
        </div>
      </div>
      <form onSubmit={apply} noValidate aria-label="Edit settings" className="space-y-5 rounded-xl border border-zinc-800 bg-zinc-900/40 p-5 lg:self-start">
        <ReferenceList references={references} onFiles={(files) => void take(files, "references")} onRemove={removeReference} />
        <EditSettings
          values={values}
          errors={errors}
          allowTransparent={allowTransparent}
          protect={protect}
          onChange={(change) => setValues((existing) => ({ ...existing, ...change }))}
          onProtectChange={setProtect}
        />
        {problem && <ProblemSummary problem={problem} />}
        <button
          type="submit"
          disabled={pending}
          aria-busy={pending || undefined}
          className="w-full rounded-md bg-sky-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:cursor-wait disabled:opacity-70"
        >
          Apply edit
        </button>
      </form>
    </div>
  );
}

/** The picked file as the image to edit, at its own pixel size; or why it cannot be one, as "name: why". */
async function loadEdited(file: File, limits: UploadLimits): Promise<Extract<EditedImage, { kind: "upload" }> | string> {
  const name = file.name || "pasted image";
  try {
    const picture = await readPicture(file);
    const tooLarge = pixelRefusal(name, picture, limits);
    if (!tooLarge) return { kind: "upload", file, ...picture };
    URL.revokeObjectURL(picture.url);
    return refusalText([tooLarge]).join("");
  } catch (error) {
    return `${name}: ${error instanceof Error ? error.message : "the browser cannot read it as an image"}`;
  }
}

function storedImage(picture: StoredPicture): EditedImage {
  return { kind: "stored", id: picture.id, url: picture.url, width: picture.width, height: picture.height };
}
