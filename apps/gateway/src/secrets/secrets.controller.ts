import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { SecretMetadata } from '@app/catalog';
import { ID_RULES } from '@app/ids';
import { ApiError, ApiErrors, ManagementApi } from '../http/api-responses';
import { SecretNamePipe } from '../http/id-pipes';
import { PutSecretDto, SecretView } from './secret.dto';
import { SecretsService } from './secrets.service';

const NAME_PARAM = {
  name: 'name',
  description: `The secret's name: ${ID_RULES.secret.description}`,
  example: 'CRM_API_KEY',
};

@ApiTags('secrets')
@ManagementApi()
@Controller('api/secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  @ApiOperation({ summary: 'Every stored secret: names and metadata, never a value' })
  @ApiOkResponse({ type: SecretView, isArray: true })
  list(): Promise<SecretMetadata[]> {
    return this.secrets.list();
  }

  @Get(':name')
  @ApiOperation({ summary: "A secret's metadata; its value is never shown" })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: SecretView })
  @ApiErrors(400, 404)
  get(@Param('name', SecretNamePipe) name: string): Promise<SecretMetadata> {
    return this.secrets.get(name);
  }

  @Put(':name')
  @ApiOperation({
    summary: 'Create or replace a secret',
    description:
      'The value is stored encrypted (AES-256-GCM under SECRETS_KEY) and never returned or ' +
      'logged; the answer is the metadata, with a fingerprint that changes with the value.',
  })
  @ApiParam(NAME_PARAM)
  @ApiCreatedResponse({ type: SecretView, description: 'Created' })
  @ApiOkResponse({ type: SecretView, description: 'Replaced' })
  @ApiError(400, 'A name or value that breaks the rules; never echoed')
  @ApiErrors(413)
  async put(
    @Param('name', SecretNamePipe) name: string,
    @Body() dto: PutSecretDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretMetadata> {
    const { secret, created } = await this.secrets.put(name, dto);
    reply.status(created ? 201 : 200);
    return secret;
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a secret' })
  @ApiParam(NAME_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @ApiError(409, 'An agent names the secret')
  async remove(@Param('name', SecretNamePipe) name: string): Promise<void> {
    await this.secrets.remove(name);
  }
}
