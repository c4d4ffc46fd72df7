import { usageTotals } from "@/lib/db/usage";
import { route } from "@/lib/http/route";
import { roundUsd } from "@/lib/jobs/cost";
import { usageCsv, usageQuery } from "@/lib/usage/query";

export const dynamic = "force-dynamic";

/** Totals of the owner's requests, images, tokens and cost per group for a period; `format=csv` for CSV. */
export const GET = route(async ({ request, ownerId }) => {
  const q = usageQuery(new URL(request.url).searchParams);
  const rows = await usageTotals(ownerId, q.from, q.to, q.group);
  const total = rows.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      images: t.images + r.images,
      inputTokens: t.inputTokens + r.inputTokens,
      outputTokens: t.outputTokens + r.outputTokens,
      costUsd: roundUsd(t.costUsd + r.costUsd),
    }),
    { requests: 0, images: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  );
  if (q.format === "csv") {
    return new Response(usageCsv(q.group, rows, total), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="usage-${q.fromDay}-to-${q.toDay}-by-${q.group}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return Response.json({ from: q.fromDay, to: q.toDay, group: q.group, rows, total }, { headers: { "Cache-Control": "no-store" } });
});
