/**
 * Short avatar ids for movement frames (1–65535). Fresh ids are handed out first and freed ones are
 * reused oldest-first, so an id is not reused while clients may still hold a frame naming its old avatar.
 */
export class NetIds {
  private next = 1;
  private readonly free: number[] = [];
  private freeHead = 0;

  acquire(): number {
    if (this.next <= 0xffff) return this.next++;
    if (this.freeHead < this.free.length) {
      const id = this.free[this.freeHead++]!;
      if (this.freeHead > 1024 && this.freeHead * 2 > this.free.length) {
        this.free.splice(0, this.freeHead);
        this.freeHead = 0;
      }
      return id;
    }
    throw new Error('room: more than 65,535 avatars at once; the room cannot name another');
  }

  release(id: number): void {
    this.free.push(id);
  }
}
