import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChannelRecord } from '@app/catalog';
import type { ActivationCheckName } from './activation-checks.service';

// The answers of /api/channels: classes, so that the OpenAPI description shows their schemas.

export class ActivationCheckView {
  @ApiProperty({ enum: ['agent_trained', 'webhook_registered', 'address_accessible'] })
  name: ActivationCheckName;

  @ApiProperty()
  ok: boolean;

  @ApiProperty({ example: 'Every live gateway instance serves configuration 2' })
  reason: string;
}

export class ActivationReport {
  @ApiProperty()
  activated: boolean;

  @ApiProperty({ type: ActivationCheckView, isArray: true })
  checks: ActivationCheckView[];
}

export class WebimAccountView {
  @ApiProperty({ type: String, nullable: true, example: 'demo.webim.ru' })
  domain: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'bot@example.com' })
  email: string | null;

  @ApiProperty({ description: 'Whether a password is stored; it is never shown' })
  passwordSet: boolean;
}

/** A channel as the API shows it: secrets reduced to whether they are set. */
export class ChannelView {
  @ApiProperty({ example: '4gq7qpifgwoj' })
  id: string;

  @ApiProperty({ example: 'Orders' })
  name: string;

  @ApiProperty({ example: 'orders' })
  agentId: string;

  @ApiProperty({ enum: ['active', 'inactive'] })
  status: ChannelRecord['status'];

  @ApiProperty({
    example: 'https://bots.example.com/webim/4gq7qpifgwoj/pRieiLpoRXlFnS7coHKMt3WzB4z7lLm4',
    description: 'What Webim calls: PUBLIC_BASE_URL, the channel id and its secret token',
  })
  webhookUrl: string;

  @ApiProperty({ type: WebimAccountView })
  webim: WebimAccountView;

  @ApiProperty({ example: 2, description: 'Grows with every change (compare-and-set)' })
  configVersion: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({
    type: ActivationReport,
    description: 'Present when the request ran the activation checks',
  })
  activation?: ActivationReport;
}

export function channelView(
  channel: ChannelRecord,
  webhookUrl: string,
  activation?: ActivationReport,
): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    agentId: channel.agentId,
    status: channel.status,
    webhookUrl,
    webim: {
      domain: channel.webim?.domain ?? null,
      email: channel.webim?.email ?? null,
      passwordSet: channel.webim?.passwordSealed !== undefined,
    },
    configVersion: channel.configVersion,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
    ...(activation ? { activation } : {}),
  };
}
