import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { describe, expect, inject, it } from "vitest";

/**
 * prisma/schema.prisma (what the client is generated from) and prisma/migrations (what the
 * database gets) are written by hand side by side; this test fails when they disagree on any table,
 * column, type or nullability. It stands in for `prisma migrate diff`, whose engine cannot be
 * downloaded here.
 */
type Column = { table: string; column: string; type: string; nullable: boolean };

const SCALARS: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp with time zone",
  Json: "jsonb",
  Decimal: "numeric",
};

function columnsFromSchema(): Column[] {
  const text = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  const columns: Column[] = [];
  for (const [, name, body] of text.matchAll(/model (\w+) \{([\s\S]*?)\n\}/g)) {
    const table = /@@map\("(\w+)"\)/.exec(body!)?.[1] ?? name!;
    for (const line of body!.split("\n")) {
      const field = /^\s+(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
      if (!field || line.trim().startsWith("//") || line.trim().startsWith("@@")) continue;
      const [, fieldName, type, modifier, attrs] = field;
      if (!SCALARS[type!]) continue; // relation fields have no column
      const column = /@map\("(\w+)"\)/.exec(attrs!)?.[1] ?? fieldName!;
      const sqlType = attrs!.includes("@db.Uuid") ? "uuid" : attrs!.includes("@db.Date") ? "date" : SCALARS[type!]!;
      // A scalar list is an array column, which information_schema calls ARRAY whatever it holds; never null.
      columns.push({ table, column, type: modifier === "[]" ? "ARRAY" : sqlType, nullable: modifier === "?" });
    }
  }
  return columns;
}

describe("schema and migrations", () => {
  it("agree on every table, column, type and nullability", async () => {
    const client = new Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      );
      const actual = rows.map((r) => ({ table: r.table_name, column: r.column_name, type: r.data_type, nullable: r.is_nullable === "YES" }));
      const key = (c: Column) => `${c.table}.${c.column}`;
      const sort = (list: Column[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
      const expected = columnsFromSchema();
      expect(expected.length).toBeGreaterThan(50);
      expect(sort(actual)).toEqual(sort(expected));
    } finally {
      await client.end();
    }
  });
});
