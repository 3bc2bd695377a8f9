// Prospect playback: PCM16 chunks scheduled back to back behind a small jitter buffer.
const JITTER_S = 0.08; // first chunk waits this long so later chunks arrive in time

export class Player {
  constructor() {
    this.ctx = new AudioContext();
    this.sampleRate = 22050;
    this.playAt = 0;
    this.sources = new Set();
    this.playedSamples = 0; // samples actually played out (for the page and its tests)
    this.onIdle = null;
  }

  async resume() {
    if (this.ctx.state !== "running") await this.ctx.resume();
  }

  get playing() {
    return this.sources.size > 0;
  }

  push(arrayBuffer) {
    const pcm = new Int16Array(arrayBuffer);
    if (pcm.length === 0) return;
    const buffer = this.ctx.createBuffer(1, pcm.length, this.sampleRate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = pcm[i] / 32768;
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.ctx.destination);
    const now = this.ctx.currentTime;
    if (this.playAt < now) this.playAt = now + JITTER_S;
    source.start(this.playAt);
    this.playAt += buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      if (!this.sources.has(source)) return;
      this.sources.delete(source);
      this.playedSamples += pcm.length;
      if (this.sources.size === 0 && this.onIdle) this.onIdle();
    };
  }

  // Barge-in: silence everything queued, right now.
  stop() {
    for (const source of this.sources) {
      try { source.stop(); } catch (_) { /* already stopped */ }
    }
    this.sources.clear();
    this.playAt = 0;
    if (this.onIdle) this.onIdle();
  }
}
