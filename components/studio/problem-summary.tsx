/** `target` is the id of the control to fix, when the field is one of the form's. */
export type Problem = { heading: string; items: { target: string | undefined; message: string }[]; code?: string };

/** Why nothing was sent, as one alert with a link to each control that needs a fix. */
export function ProblemSummary({ problem }: { problem: Problem }) {
  return (
    <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
      <p className="font-medium">{problem.heading}</p>
      {problem.items.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          {problem.items.map(({ target, message }) => (
            <li key={`${target ?? ""}:${message}`}>
              {target ? (
                <a className="underline underline-offset-2 hover:text-white" href={`#${target}`}>
                  {message}
                </a>
              ) : (
                message
              )}
            </li>
          ))}
        </ul>
      )}
      {problem.code && <p className="mt-1 font-mono text-xs text-red-300/80">{problem.code}</p>}
    </div>
  );
}
