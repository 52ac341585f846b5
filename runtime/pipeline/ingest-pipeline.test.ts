import { EmbeddedBus } from '../bus/embedded/embedded-bus.ts';
import { describePipelineContract } from './pipeline-contract.ts';

describePipelineContract('embedded', async () => new EmbeddedBus());
