import { once } from 'node:events';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

/**
 * The network between a replica and its master, as a TCP proxy the replica replicates through.
 * `hold()` keeps what the master sends from reaching the replica (a link that lags), the
 * replica's acknowledgements still going up; `cut()` drops the link and what it held, as the
 * death of the master does to writes not yet replicated. No timing of a real machine can make
 * a write land on the master and not on the replica; this can.
 */
export class ReplicationLink {
  private readonly sockets = new Set<Socket>();
  private held = false;
  private readonly heldBytes: Buffer[] = [];

  private constructor(private readonly server: Server) {}

  static async start(masterPort: number): Promise<ReplicationLink> {
    const server = createServer();
    const link = new ReplicationLink(server);
    server.on('connection', (replica) => link.relay(replica, masterPort));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return link;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Bytes the master sent that the replica has not been given. */
  get heldLength(): number {
    return this.heldBytes.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  hold(): void {
    this.held = true;
  }

  /** Ends the link: what it held never reaches the replica. */
  cut(): void {
    this.heldBytes.length = 0;
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }

  private relay(replica: Socket, masterPort: number): void {
    const master = connect(masterPort, '127.0.0.1');
    for (const socket of [replica, master]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        replica.destroy();
        master.destroy();
      });
    }
    replica.pipe(master);
    master.on('data', (chunk: Buffer) => {
      if (this.held) this.heldBytes.push(chunk);
      else replica.write(chunk);
    });
  }
}
