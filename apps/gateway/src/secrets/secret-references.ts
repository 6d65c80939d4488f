import { Injectable } from '@nestjs/common';

/**
 * Who names a secret. Nothing does yet; once agents name secrets (in a call's URL, headers or
 * credentials), this lists the agents whose trained version names `name`, and a secret in use
 * cannot be deleted (409), as an agent a channel uses cannot.
 */
@Injectable()
export class SecretReferences {
  usersOf(_name: string): Promise<string[]> {
    return Promise.resolve([]);
  }
}
