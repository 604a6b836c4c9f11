/** Lists that must fit the screen they are on (a projector cannot be scrolled from the back row). */

/** Whether a box's content is taller than the box (it must have a bounded height). */
export function overflows(box: HTMLElement): boolean {
  return box.scrollHeight > box.clientHeight + 1;
}

/**
 * Removes a list's last items while it overflows its own box (it must have a bounded height and
 * hide its overflow), keeping at least one; returns how many items remain.
 */
export function trimToFit(list: HTMLElement): number {
  while (list.children.length > 1 && overflows(list)) list.lastElementChild?.remove();
  return list.children.length;
}
