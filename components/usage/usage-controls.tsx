import { controlClass, Field } from "@/components/studio/field";
import { USAGE_GROUPS } from "@/lib/usage/groups";
import type { UsageParams } from "./use-usage";

type Props = { params: UsageParams; onChange: (patch: Partial<UsageParams>) => void };

/** The period (whole UTC days, both included) and the grouping. */
export function UsageControls({ params, onChange }: Props) {
  return (
    <div className="flex flex-wrap items-end gap-4">
      <Field id="usage-from" label="From" className="w-44">
        {(control) => <input {...control} type="date" className={controlClass} value={params.from} onChange={(e) => onChange({ from: e.target.value })} />}
      </Field>
      <Field id="usage-to" label="To" className="w-44">
        {(control) => <input {...control} type="date" className={controlClass} value={params.to} onChange={(e) => onChange({ to: e.target.value })} />}
      </Field>
      <Field id="usage-group" label="Group by" className="w-36">
        {(control) => (
          <select {...control} className={controlClass} value={params.groupBy} onChange={(e) => onChange({ groupBy: e.target.value })}>
            {USAGE_GROUPS.map((group) => (
              <option key={group} value={group}>
                {group}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
