// An amount in 大写金额, as the People's Bank's rules for filling in 票据和结算凭证 require: pure, from the
// decimal string itself (no floating point ever touches the amount).

const digits = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const placeUnits = ['', '拾', '佰', '仟'] as const;
const groupUnits = ['', '万', '亿'] as const;

/** Amounts up to 9,999 亿 (twelve digits of yuan): the ledger's largest amount is 1,000 亿. */
export const yuanDigitCountMax = 12;

export interface AmountInWordsOptions {
  /** The character closing an amount of whole yuan: 整, or 正 which the rules allow too. */
  readonly whole?: '整' | '正';
  /** 人民币 before the amount, as a 凭证 writes it unless the form prints it already. */
  readonly prefix?: boolean;
}

/** The yuan part in words: zeros inside the number become one 零, empty 万/亿 groups are dropped. */
function yuanInWords(yuan: string): string {
  let words = '';
  let zeroPending = false;
  let groupHasDigit = false;
  for (let i = 0; i < yuan.length; i += 1) {
    const place = yuan.length - 1 - i;
    const digit = Number(yuan[i]);
    if (digit === 0) {
      zeroPending = words.length > 0;
    } else {
      if (zeroPending) words += '零';
      zeroPending = false;
      // 壹拾 and never a bare 拾: the rules ask for the 壹 so that nothing can be written before it.
      words += digits[digit]! + placeUnits[place % 4]!;
      groupHasDigit = true;
    }
    if (place % 4 === 0 && place > 0) {
      // Zeros closing a group are not read (壹拾万伍仟); a group of zeros only is (壹亿零伍仟).
      if (groupHasDigit) {
        words += groupUnits[place / 4]!;
        zeroPending = false;
      }
      groupHasDigit = false;
    }
  }
  return words;
}

/**
 * 人民币壹万零伍拾元零伍分 for "10050.05". Throws on anything that is not a positive amount with at
 * most two decimals and twelve digits of yuan.
 */
export function amountInWords(amount: string, options: AmountInWordsOptions = {}): string {
  const match = /^([0-9]{1,12})(?:\.([0-9]{1,2}))?$/.exec(amount);
  if (match === null) throw new RangeError(`not an amount of yuan with at most two decimals: "${amount}"`);
  const yuan = match[1]!.replace(/^0+(?=[0-9])/, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const jiao = Number(fraction[0]);
  const fen = Number(fraction[1]);
  const hasYuan = yuan !== '0';
  if (!hasYuan && jiao === 0 && fen === 0) throw new RangeError('an amount of zero has no 大写金额 on a payment');
  let words = hasYuan ? `${yuanInWords(yuan)}元` : '';
  if (jiao === 0 && fen === 0) {
    words += options.whole ?? '整';
  } else {
    // 元位是 0 (or 角位是 0 before a 分): one 零 after 元, as the rules' examples write 壹仟陆佰捌拾元零叁角贰分.
    const zeroAfterYuan = hasYuan && (jiao === 0 || yuan.endsWith('0'));
    if (zeroAfterYuan) words += '零';
    if (jiao !== 0) words += `${digits[jiao]}角`;
    if (fen !== 0) words += `${digits[fen]}分`;
  }
  return (options.prefix ?? true) ? `人民币${words}` : words;
}
