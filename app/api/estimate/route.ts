import { env } from "@/lib/env";
import { budgetStatus } from "@/lib/generations/budget";
import { estimateFor } from "@/lib/generations/estimate";
import { route } from "@/lib/http/route";
import { estimateQuery } from "@/lib/usage/query";

export const dynamic = "force-dynamic";

/** The expected cost and time of a request from this studio's history (or the price table), and what each budget leaves. */
export const GET = route(async ({ request, ownerId }) => {
  const input = estimateQuery(new URL(request.url).searchParams);
  const settings = env();
  const [estimate, budgets] = await Promise.all([estimateFor(ownerId, input, settings), budgetStatus(ownerId, settings)]);
  return Response.json(
    { ...estimate, request: { size: input.size, quality: input.quality, output_format: input.output_format, n: input.n, partial_images: input.partial_images }, budgets },
    { headers: { "Cache-Control": "no-store" } },
  );
});
