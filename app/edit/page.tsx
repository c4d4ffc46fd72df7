import type { Metadata } from "next";
import { editParams } from "@/components/edit/edit-params";
import { EditStudio } from "@/components/edit/edit-studio";
import { currentUserId } from "@/lib/auth/current-user";
import { ownedImageInfos } from "@/lib/db/image-info";
import { env } from "@/lib/env";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS } from "@/lib/uploads/check-image";
import { isUuid } from "@/lib/validation/uuid";

/** Reads the person's images and server settings on every request; nothing here is worth prerendering. */
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Edit · Image Studio" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The mask editor's page: `?image=<id>` opens one of the person's images in it (the studio's and
 * history's Edit), `?ref=<id>` adds references (history's Use as reference), and without an
 * image it asks for one to be uploaded, pasted or dropped.
 */
export default async function EditPage({ searchParams }: { searchParams: SearchParams }) {
  const { image, refs, generation } = editParams(await searchParams);
  const ownerId = await currentUserId();
  const asked = image ? [image, ...refs] : refs;
  const found = await ownedImageInfos(ownerId, asked);
  const initialImage = (image && found.find((info) => info.id === image)) || null;
  const initialReferences = found.filter((info) => info.id !== image);
  // Keyed by what the address asks for: another image's Edit on this page starts afresh.
  const key = asked.join(",");
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <h1 className="mb-4 text-lg font-semibold tracking-tight">Edit an image</h1>
      <EditStudio
        key={key}
        initialImage={initialImage}
        initialReferences={initialReferences}
        initialGenerationId={isUuid(generation) ? generation : null}
        allowTransparent={env().ALLOW_TRANSPARENT_BACKGROUND}
        limits={{ maxBytes: MAX_UPLOAD_BYTES, maxPixels: MAX_UPLOAD_PIXELS }}
        missing={asked.length - found.length}
      />
    </main>
  );
}
