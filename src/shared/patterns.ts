// The shapes of the ledger's inputs, in one place: the domain's parser and the HTTP DTOs (and so the
// OpenAPI document) check the same patterns and the same lists, so the two can never disagree.

/** A decimal string of yuan with at most two decimals (SPEC §1); range and zero are checked apart. */
export const moneyPattern = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/;
/** A calendar date as finance staff write it; whether the day exists is checked apart. */
export const datePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** 统一社会信用代码: 18 characters of the 31-character alphabet; the check character is checked apart. */
export const usccPattern = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** Keys that become part of stream names: letters, digits and a few separators, at most 128. */
export const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** 发票号码: 8 digits (older invoices) or 20 digits (全面数字化的电子发票). */
export const invoiceNumberPattern = /^([0-9]{8}|[0-9]{20})$/;
/** 发票代码 of an older invoice: 10 digits (增值税专用发票, 普通发票) or 12 digits (电子普通发票, 卷式, 通用机打). */
export const invoiceCodePattern = /^([0-9]{10}|[0-9]{12})$/;

export const jurisdictions = ['baoding', 'wuhan'] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

/**
 * Where each jurisdiction's enterprises are registered: the prefixes of the 行政区划代码 (GB/T 2260)
 * that a USCC carries as its characters 3–8, the 登记管理机关行政区划码. 保定市 is 1306xx (its
 * districts, counties, 涿州 130681 and 定州 130682, the 高新区 130671 and 白沟新城 130672), 武汉市 is
 * 4201xx (its districts, and 东湖新技术开发区 among them). A code registered by another authority (the
 * province, 1300xx or 4200xx; a national one) is admitted only with an administrator's reason.
 */
export const jurisdictionRegionPrefixes: { readonly [J in Jurisdiction]: readonly string[] } = { baoding: ['1306'], wuhan: ['4201'] };

/** The lists an enterprise can be flagged on (SPEC §4; Wuhan art. 4). */
export const flagLists = [
  'dishonest-judgement-debtor',
  'major-tax-violation',
  'procurement-violation',
  'major-safety-accident',
  'subsidy-fraud',
  /** 严重违法失信名单 (Wuhan art. 4: 未在严重违法失信名单有效期内): bars while in force, to its end date. */
  'serious-illegal-dishonest',
  /** 经营异常名录 (Wuhan art. 4: 正常开展经营活动): bars until the enterprise is taken off it. */
  'abnormal-operation',
] as const;
export type FlagList = (typeof flagLists)[number];

/** The seven kinds of spend of the 数智券 (Baoding measure 1). */
export const voucherCategories = [
  'data-property-registration',
  'data-trading',
  'data-assets-on-balance-sheet',
  'data-asset-financing',
  'compute-rental',
  'llm-products',
  'llm-services',
] as const;

/**
 * The tags an enterprise is registered with: the known set only, since each of them puts its
 * applications first in the approval queue (rule `baoding-m8-priority`, Baoding measure 8). Free
 * labels are refused rather than kept: a label that looks like one of these but is not (a typo, an
 * invisible character) would silently give no priority.
 */
export const enterpriseTags = ['unicorn', 'potential-unicorn', 'specialized-little-giant', 'hidden-champion'] as const;
export type EnterpriseTag = (typeof enterpriseTags)[number];

/**
 * The tags as the seed names them (Baoding measure 8), accepted beside the English ids: 独角兽,
 * 潜在独角兽, 专精特新"小巨人", "隐形冠军" (with straight, curly or no quotes, with or without 企业).
 */
export const enterpriseTagNames: { readonly [T in EnterpriseTag]: readonly string[] } = {
  unicorn: ['独角兽', '独角兽企业'],
  'potential-unicorn': ['潜在独角兽', '潜在独角兽企业'],
  'specialized-little-giant': ['专精特新小巨人', '专精特新小巨人企业'],
  'hidden-champion': ['隐形冠军', '隐形冠军企业'],
};

/** Every spelling a tag is accepted in (the ids, and the seed's names as written there). */
export const enterpriseTagSpellings: readonly string[] = [
  ...enterpriseTags,
  ...Object.values(enterpriseTagNames).flat(),
  '专精特新"小巨人"',
  '专精特新“小巨人”',
  '专精特新"小巨人"企业',
  '专精特新“小巨人”企业',
  '"隐形冠军"',
  '“隐形冠军”',
  '"隐形冠军"企业',
  '“隐形冠军”企业',
];

/** The tag a spelling names (an id, or the seed's Chinese name with or without its quotes), or null. */
export function enterpriseTagOf(text: string): EnterpriseTag | null {
  if ((enterpriseTags as readonly string[]).includes(text)) return text as EnterpriseTag;
  const bare = text.replace(/["“”「」]/g, '').trim();
  for (const tag of enterpriseTags) if (enterpriseTagNames[tag].includes(bare)) return tag;
  return null;
}

/**
 * What a name must not hold: control characters (C0, C1, DEL), format characters (bidi overrides and
 * isolates, zero-width spaces and joiners, the byte-order mark, soft hyphens) and line or paragraph
 * separators. Such characters make one name display as another, or hide in a name that looks blank.
 */
export const nameForbiddenCharacters = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** What shows nothing: white space of every script, fillers (Hangul, braille blank) and combining marks alone. */
const blankCharacters = /[\p{White_Space}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** A name a person can read: no forbidden character, and something visible. */
export function isReadableName(value: unknown): value is string {
  return typeof value === 'string' && !nameForbiddenCharacters.test(value) && value.replace(blankCharacters, '').length > 0;
}

export const reviewOutcomes = ['pass', 'reject'] as const;

/**
 * What the judicial organs made of a fraud referred to them (Wuhan art. 12: 涉嫌犯罪的,移送司法机关依法处理):
 * 不予立案, 不起诉, 有罪判决, 无罪判决, or the case returned to the referring body (退回).
 */
export const referralOutcomes = ['not-filed', 'not-prosecuted', 'convicted', 'acquitted', 'returned'] as const;
export type ReferralOutcome = (typeof referralOutcomes)[number];
export const objectionOutcomes = ['upheld', 'dismissed'] as const;
