// Working days in mainland China: Monday to Friday, less the State Council's holidays, plus the
// weekend days it makes working days (调休). Years come as data; an unknown year is refused, not guessed.
import { refusal } from './errors.js';
import { CalendarDate, addDays, isCalendarDate, weekdayOf, yearOfDate } from './time.js';

export interface HolidayYear {
  readonly year: number;
  /** Days off that would otherwise be working days (ranges expanded). */
  readonly holidays: readonly CalendarDate[];
  /** Weekend days that are working days. */
  readonly workdays: readonly CalendarDate[];
  /** Where the year's data comes from, e.g. the State Council notice's number. */
  readonly source: string;
}

function range(from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Shipped with the project: 国务院办公厅关于2025年部分节假日安排的通知. Later years are published by an administrator. */
export const holidayYearsBuiltIn: readonly HolidayYear[] = [
  {
    year: 2025,
    holidays: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
    source: '国办发明电〔2024〕12号',
  },
];

/** Checks a year's data as an administrator submits it. */
export function validateHolidayYear(year: HolidayYear): void {
  const wrong = [...year.holidays, ...year.workdays].find((d) => !isCalendarDate(d) || yearOfDate(d) !== year.year);
  if (!Number.isInteger(year.year) || year.year < 2000 || year.year > 2100 || wrong !== undefined) {
    throw refusal('VALIDATION_FAILED', `holiday data for ${year.year} must list dates of that year, got ${wrong ?? year.year}`, {
      field: wrong === undefined ? 'year' : 'holidays',
    });
  }
  const workdayOnWeekday = year.workdays.find((d) => weekdayOf(d) !== 0 && weekdayOf(d) !== 6);
  if (workdayOnWeekday !== undefined) {
    throw refusal('VALIDATION_FAILED', `${workdayOnWeekday} is a weekday: only weekend days can be made working days`, { field: 'workdays' });
  }
}

export class WorkingDayCalendar {
  private readonly years = new Map<number, { holidays: Set<CalendarDate>; workdays: Set<CalendarDate> }>();

  constructor(years: readonly HolidayYear[]) {
    for (const year of years) this.years.set(year.year, { holidays: new Set(year.holidays), workdays: new Set(year.workdays) });
  }

  knowsYear(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(date: CalendarDate): boolean {
    const year = this.years.get(yearOfDate(date));
    if (year === undefined) {
      throw refusal('CALENDAR_MISSING', `the working-day calendar has no data for ${yearOfDate(date)}: an administrator must publish that year's holidays first`, {
        year: String(yearOfDate(date)),
      });
    }
    if (year.workdays.has(date)) return true;
    if (year.holidays.has(date)) return false;
    const weekday = weekdayOf(date);
    return weekday !== 0 && weekday !== 6;
  }

  /** The `count`-th working day after `date`; `date` itself is not counted. */
  addWorkingDays(date: CalendarDate, count: number): CalendarDate {
    let day = date;
    for (let counted = 0; counted < count;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return day;
  }
}
