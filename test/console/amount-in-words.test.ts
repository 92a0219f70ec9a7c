// 大写金额 of the payment notice, against the People's Bank's rules for 票据和结算凭证 and their examples.
import { amountInWords } from '../../console/src/amount-in-words.js';

describe('amountInWords', () => {
  it.each([
    // the examples the rules themselves give
    ['1409.50', '人民币壹仟肆佰零玖元伍角'],
    ['6007.14', '人民币陆仟零柒元壹角肆分'],
    ['1680.32', '人民币壹仟陆佰捌拾元零叁角贰分'],
    ['107000.53', '人民币壹拾万柒仟元零伍角叁分'],
    ['16409.02', '人民币壹万陆仟肆佰零玖元零贰分'],
    ['325.04', '人民币叁佰贰拾伍元零肆分'],
    // whole yuan close with 整
    ['300000.00', '人民币叁拾万元整'],
    ['300000', '人民币叁拾万元整'],
    ['10', '人民币壹拾元整'],
    ['1', '人民币壹元整'],
    // zeros inside, one 零 for a run of them
    ['10050.05', '人民币壹万零伍拾元零伍分'],
    ['1010.00', '人民币壹仟零壹拾元整'],
    ['100001.00', '人民币壹拾万零壹元整'],
    ['105000.00', '人民币壹拾万伍仟元整'],
    ['2000000.00', '人民币贰佰万元整'],
    ['1000500.00', '人民币壹佰万零伍佰元整'],
    ['100005000.00', '人民币壹亿零伍仟元整'],
    ['20000000.00', '人民币贰仟万元整'],
    // 角 without 分, 分 without 角, below one yuan
    ['12.30', '人民币壹拾贰元叁角'],
    ['12.3', '人民币壹拾贰元叁角'],
    ['12.03', '人民币壹拾贰元零叁分'],
    ['0.50', '人民币伍角'],
    ['0.05', '人民币伍分'],
    ['0.15', '人民币壹角伍分'],
    // 万 and 亿 groups, empty ones dropped
    ['100000000.00', '人民币壹亿元整'],
    ['100010000.00', '人民币壹亿零壹万元整'],
    ['100000001.00', '人民币壹亿零壹元整'],
    ['150000000.00', '人民币壹亿伍仟万元整'],
    ['2000000001.00', '人民币贰拾亿零壹元整'],
    ['1234567890.12', '人民币壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分'],
    ['100000000000.00', '人民币壹仟亿元整'],
    ['999999999999.99', '人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ])('%s is %s', (amount, words) => {
    expect(amountInWords(amount)).toBe(words);
  });

  it('closes whole yuan with 正 where asked, and leaves out 人民币 where the form prints it', () => {
    expect(amountInWords('300000.00', { whole: '正' })).toBe('人民币叁拾万元正');
    expect(amountInWords('10050.05', { prefix: false })).toBe('壹万零伍拾元零伍分');
  });

  it.each(['', '0', '0.00', '-1.00', '1.001', '1e5', '1,000.00', ' 1.00', '1000000000000.00'])('refuses %j', (amount) => {
    expect(() => amountInWords(amount)).toThrow(RangeError);
  });
});
