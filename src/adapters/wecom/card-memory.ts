/**
 * The cards this process sent, by task id, so a click can be answered by updating the clicker's
 * card (WeCom allows that only in reply to the click, within 5 s) and a closed poll's card can say
 * so. Bounded, in memory: after a restart older cards simply stay as they were; clicks on them
 * still count, since each click carries its command.
 */
import { clickCommand, clickedCard, type Card, type CardClick } from './cards.ts';

interface Remembered {
  card: Card;
  closed: boolean;
}

/** Recently sent cards, oldest dropped first beyond `capacity`. */
export class CardMemory {
  private readonly cards = new Map<string, Remembered>();

  constructor(private readonly capacity: number) {}

  /** Remembers a sent card. */
  remember(card: Card): void {
    this.cards.set(card.task_id, { card, closed: false });
    while (this.cards.size > this.capacity) this.cards.delete(this.cards.keys().next().value!);
  }

  /** Marks a card closed (its poll was stopped); false when it is not known here. */
  close(taskId: string): boolean {
    const r = this.cards.get(taskId);
    if (r) r.closed = true;
    return !!r;
  }

  /** The command a click stands for (known card or not: the keys carry it). */
  commandOf(click: CardClick): string | undefined {
    return clickCommand(click);
  }

  /** The card as the clicker should see it after their click, if this process sent it. */
  afterClick(click: CardClick): Card | undefined {
    const r = this.cards.get(click.taskId);
    return r && clickedCard(r.card, click, r.closed);
  }
}
