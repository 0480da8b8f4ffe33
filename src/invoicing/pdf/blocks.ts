/**
 * The unit of layout: a block knows its height before it is drawn, so pages can be planned
 * (and "Página 1 de N" known) before anything is written. Plus the two small building blocks
 * every section uses: a section heading and a list of label/value fields.
 */
import type { Canvas, TextStyle } from './canvas.ts';
import { widthOf, wrap } from './metrics.ts';

export interface Block {
  height: number;
  draw(canvas: Canvas, x: number, top: number): void;
}

/** Line distance for a style: 1.2 x its size. */
export const leading = (style: TextStyle) => style.size * 1.2;

/** A section heading in the brand colour over a rule of the given width. */
export function heading(text: string, width: number, style: TextStyle, ruleColor: string): Block {
  return {
    height: 14,
    draw(canvas, x, top) {
      canvas.text(text, x, top, style);
      canvas.hline(x, x + width, top + style.size + 3, ruleColor, 0.75);
    },
  };
}

export interface Field {
  label: string;
  value: string;
  bold?: boolean;
}

export interface FieldStyles {
  label: TextStyle;
  value: TextStyle;
  valueBold: TextStyle;
}

/** Label/value rows: labels in a fixed column, values wrapped in the rest of `width`. */
export function fieldList(
  fields: readonly Field[],
  width: number,
  labelWidth: number,
  st: FieldStyles,
): Block {
  const lineHeight = leading(st.value) + 0.4;
  const rows = fields.map((field) => {
    const style = field.bold ? st.valueBold : st.value;
    return { field, style, lines: wrap(field.value, style.font, style.size, width - labelWidth) };
  });
  return {
    height: rows.reduce((sum, row) => sum + row.lines.length * lineHeight, 0),
    draw(canvas, x, top) {
      let y = top;
      // Labels are smaller than values: nudge them down to share the baseline.
      const nudge = ((st.value.size - st.label.size) * 718) / 1000;
      for (const row of rows) {
        canvas.text(row.field.label, x, y + nudge, st.label);
        y += canvas.lines(row.lines, x + labelWidth, y, row.style, lineHeight);
      }
    },
  };
}

/** Stacks blocks vertically with `gap` points between them. */
export function stack(blocks: readonly Block[], gap: number): Block {
  const height = blocks.reduce((sum, b) => sum + b.height, 0) + gap * Math.max(0, blocks.length - 1);
  return {
    height,
    draw(canvas, x, top) {
      let y = top;
      for (const block of blocks) {
        block.draw(canvas, x, y);
        y += block.height + gap;
      }
    },
  };
}

/** Places two blocks side by side; the height is the taller one's. */
export function columns(left: Block, right: Block, rightOffset: number): Block {
  return {
    height: Math.max(left.height, right.height),
    draw(canvas, x, top) {
      left.draw(canvas, x, top);
      right.draw(canvas, x + rightOffset, top);
    },
  };
}

/** The largest size (down to `min`) at which `text` fits `width`. */
export function fitSize(text: string, style: TextStyle, width: number, min = 5.5): TextStyle {
  let size = style.size;
  while (size > min && widthOf(text, style.font, size) > width) size -= 0.5;
  return size === style.size ? style : { ...style, size };
}
