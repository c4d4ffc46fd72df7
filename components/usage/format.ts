/** The usage page's number formats: counts whole, costs to at most 4 decimals (the ledger keeps 6). */
const whole = new Intl.NumberFormat("en-US");
const cost = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 });

export const formatCount = (n: number) => whole.format(n);
export const formatCost = (usd: number) => cost.format(usd);
export const formatUsd = (usd: number) => dollars.format(usd);
