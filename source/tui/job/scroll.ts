// A view longer than the screen: which of its lines show, and where a key moves them.

/** The first line shown, or 'end': the last page, staying there as lines come (a followed log). */
export type ScrollTop = number | 'end';

export type ScrollAction = 'scroll-up' | 'scroll-down' | 'page-up' | 'page-down' | 'top' | 'bottom';

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

/** The lines [start, end) of `count` that show in `page` lines. */
export function scrollWindow(top: ScrollTop, count: number, page: number): {readonly start: number; readonly end: number} {
	const last = Math.max(0, count - page);
	const start = top === 'end' ? last : clamp(top, 0, last);
	return {start, end: Math.min(count, start + Math.max(0, page))};
}

/** Where a key leaves the view; `follow`: reaching the end sticks to it. */
export function scrollBy(top: ScrollTop, action: ScrollAction, count: number, page: number, follow = false): ScrollTop {
	const last = Math.max(0, count - page);
	const {start} = scrollWindow(top, count, page);
	const steps: Record<ScrollAction, number> = {
		'scroll-up': -1,
		'scroll-down': 1,
		'page-up': -Math.max(1, page),
		'page-down': Math.max(1, page),
		top: -count,
		bottom: count,
	};
	const next = clamp(start + steps[action], 0, last);
	return follow && next >= last ? 'end' : next;
}

/** `lines 21–40 of 120`, or nothing when all show. */
export function scrollText(start: number, end: number, count: number): string {
	return end - start >= count ? '' : `lines ${start + 1}–${end} of ${count}`;
}
