/**
 * The safety pre-filter: prompts that plainly ask for content the gateway's policy forbids are
 * refused before anything is sent, with the reason and a way forward. This is the one reviewed
 * list of rules; prefilter.test.ts holds the refusals and the near-misses (medical, artistic,
 * historical) that must pass. It is deliberately narrow: the gateway's own moderation remains the
 * judge, and this only spares people a round trip and a refusal on their account.
 *
 * A rule matches when every one of its term groups appears in the prompt (word-boundary match,
 * case- and accent-insensitive).
 */
export type SafetyCategory = "minors" | "non-consent" | "explicit" | "illegal" | "hate" | "violence";

type Rule = { id: string; category: SafetyCategory; all: RegExp[] };

const w = (...words: string[]) => new RegExp(`\\b(?:${words.join("|")})\\b`, "i");

const MINOR = w("child", "children", "kids?", "minors?", "underage", "under-age", "preteens?", "pre-teens?", "teens?", "teenagers?", "teenage", "schoolgirls?", "schoolboys?", "toddlers?", "infants?", "little (?:girls?|boys?)", "young-looking", "youthful-looking", "childlike", "(?:[1-9]|1[0-7])[- ]?(?:years?[- ]old|yo|y/o)");
const SEXUAL = w("sexy", "sexual(?:ly)?", "sex", "erotic", "erotica", "nude", "nudes", "naked", "nudity", "lingerie", "seductive", "porn\\w*", "nsfw", "explicit", "topless", "undressed", "undressing", "provocative", "aroused", "fetish\\w*", "lewd");
const NUDITY = w("nude", "naked", "nudity", "topless", "bottomless", "undressed", "genitals?", "genitalia", "penis", "vagina", "vulva", "nipples?", "breasts?");
const EXPLICIT = w("explicit", "sexual(?:ly)?", "erotic", "porn\\w*", "nsfw", "xxx", "uncensored", "spread legs", "aroused", "lewd", "graphic");

const rules: Rule[] = [
  { id: "minor-sexual", category: "minors", all: [MINOR, SEXUAL] },
  { id: "minor-coded", category: "minors", all: [w("loli", "lolicon", "shota", "shotacon", "jailbait", "cp")] },
  { id: "sexual-violence", category: "non-consent", all: [w("rape", "raped", "raping", "rapist", "sexual(?:ly)? assault\\w*", "molest\\w*", "non-?consensual", "forced sex", "sex slaves?", "drugged and (?:undressed|raped|abused)", "coerced into sex")] },
  { id: "porn", category: "explicit", all: [w("porn", "porno", "pornographic", "pornography", "hentai", "xxx", "hardcore sex", "nsfw")] },
  { id: "sex-act", category: "explicit", all: [w("having sex", "sex acts?", "sexual intercourse", "intercourse", "blowjob", "handjob", "masturbat\\w*", "orgasm\\w*", "orgy", "penetration", "ejaculat\\w*", "cumshot")] },
  { id: "explicit-nudity", category: "explicit", all: [NUDITY, EXPLICIT] },
  { id: "counterfeit", category: "illegal", all: [w("counterfeit", "fake", "forged", "replica", "printable"), w("banknotes?", "bank notes?", "currency", "dollar bills?", "euro notes?", "passports?", "driver'?s licen[cs]es?", "id cards?", "identity cards?")] },
  { id: "drug-making", category: "illegal", all: [w("how to (?:make|cook|synthesi[sz]e)", "step[- ]by[- ]step", "recipe for", "instructions for"), w("meth", "methamphetamine", "fentanyl", "heroin", "cocaine", "bombs?", "explosives?", "pipe bombs?", "nerve agents?")] },
  { id: "hate-propaganda", category: "hate", all: [w("nazi", "neo-nazi", "kkk", "ku klux klan", "white power", "white supremac\\w*", "isis", "jihadist"), w("propaganda", "recruitment", "recruiting", "glorif\\w*", "celebrat\\w*", "heroic", "praising")] },
  { id: "hate-extermination", category: "hate", all: [w("kill all", "exterminate (?:all|the)", "gas the", "death to all", "wipe out (?:all|the)"), w("jews?", "muslims?", "christians?", "blacks?", "whites?", "asians?", "arabs?", "gays?", "trans(?:gender)? people", "immigrants?", "mexicans?", "africans?", "indians?", "women", "men")] },
  { id: "gore", category: "violence", all: [w("gore", "gory", "goreporn", "dismember\\w*", "decapitat\\w*", "behead\\w*", "disembowel\\w*", "eviscerat\\w*", "mutilat\\w*", "flayed", "torture porn", "entrails", "severed heads?", "exposed organs", "splatter(?:ed)? brains?")] },
];

const CATEGORY_TEXT: Record<SafetyCategory, { reason: string; suggestion: string }> = {
  minors: {
    reason: "it pairs a child or youthful-looking person with sexual content",
    suggestion: "Pictures of children must be entirely non-sexual; for adults, say so: \"adults, non-explicit, fully clothed\".",
  },
  "non-consent": {
    reason: "it asks for sexual violence or non-consensual acts",
    suggestion: "Describe a scene without sexual violence or coercion.",
  },
  explicit: {
    reason: "it asks for explicit nudity or sex acts",
    suggestion: "Add explicit constraints such as \"adults, non-explicit, fully clothed\", or describe a tasteful, non-sexual scene.",
  },
  illegal: {
    reason: "it asks for something illegal (forged documents or money, or instructions for drugs or weapons)",
    suggestion: "Make it clearly fictional and unusable, e.g. a stylised prop with \"SPECIMEN\" across it, or leave out the instructions.",
  },
  hate: {
    reason: "it asks for hateful content or propaganda against a group",
    suggestion: "Historical or educational scenes are fine when they do not glorify; describe the context (\"museum exhibit\", \"documentary photo\").",
  },
  violence: {
    reason: "it asks for extremely violent or gory content",
    suggestion: "Keep violence implied rather than graphic: no gore, mutilation or dismemberment.",
  },
};

export type Screening = { ok: true } | { ok: false; category: SafetyCategory; rule: string; reason: string; suggestion: string; message: string };

/** Negated terms ("not gory", "without nudity") are constraints a person adds, not requests. */
const NEGATED = /\b(?:no|not|without|never|zero)\s+(?:(?:a|an|any|too)\s+)?[\w-]+/g;

function normalise(prompt: string): string {
  return prompt.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").replace(NEGATED, " ");
}

export function screenPrompt(prompt: string): Screening {
  const text = normalise(prompt);
  const hit = rules.find((rule) => rule.all.every((pattern) => pattern.test(text)));
  if (!hit) return { ok: true };
  const { reason, suggestion } = CATEGORY_TEXT[hit.category];
  return {
    ok: false,
    category: hit.category,
    rule: hit.id,
    reason,
    suggestion,
    message: `This prompt was not sent: ${reason}. ${suggestion}`,
  };
}
