import { describeBusContract } from '../bus-contract.ts';
import { EmbeddedBus } from './embedded-bus.ts';

describeBusContract('embedded', async () => new EmbeddedBus());
