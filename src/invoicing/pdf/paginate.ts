/**
 * Page planning from heights alone, before anything is drawn: table rows flow down the pages
 * (the table header is repeated at the top of each page that has rows), and the closing blocks
 * (totals, seals) follow, each moving whole to a new page when it does not fit. No row is ever
 * split; a row taller than an empty page is the only thing that may overflow.
 */

export interface FlowInput {
  /** Where the table starts on page 0 (after the first-page header). */
  firstTop: number;
  /** Where content starts on later pages (after their short header). */
  nextTop: number;
  /** Lowest y content may reach. */
  bottom: number;
  tableHeader: number;
  rows: readonly number[];
  /** Closing blocks in order, with the space wanted above each. */
  blocks: readonly { height: number; gap: number }[];
}

export interface Placement {
  page: number;
  top: number;
}

export interface FlowPlan {
  pages: number;
  tableHeaders: Placement[];
  rows: Placement[];
  blocks: Placement[];
}

/** Places every row and block; pages are numbered from 0. */
export function planFlow(input: FlowInput): FlowPlan {
  const plan: FlowPlan = { pages: 1, tableHeaders: [], rows: [], blocks: [] };
  let page = 0;
  let y = input.firstTop;
  const newPage = () => {
    page++;
    y = input.nextTop;
  };
  const startTable = () => {
    plan.tableHeaders.push({ page, top: y });
    y += input.tableHeader;
  };
  input.rows.forEach((height, i) => {
    if (i === 0) {
      if (y + input.tableHeader + height > input.bottom && y > input.nextTop) newPage();
      startTable();
    } else if (y + height > input.bottom) {
      newPage();
      startTable();
    }
    plan.rows.push({ page, top: y });
    y += height;
  });
  for (const block of input.blocks) {
    if (y + block.gap + block.height > input.bottom && y > input.nextTop) newPage();
    else y += block.gap;
    plan.blocks.push({ page, top: y });
    y += block.height;
  }
  plan.pages = page + 1;
  return plan;
}
