import { foundation } from './0001-foundation.js';
import { drops } from './0002-drops.js';
import { fulfilment } from './0003-fulfilment.js';
import { audit } from './0004-audit.js';
import { notifications } from './0005-notifications.js';
import { governance } from './0006-governance.js';
import { shows } from './0007-shows.js';
import { soldUnits } from './0008-sold-units.js';
import { stockAlerts } from './0009-stock-alerts.js';
import { marketReserves } from './0010-market-reserves.js';
import { marketStockAlerts } from './0011-market-stock-alerts.js';
import { marketLowStock } from './0012-market-low-stock.js';
import { shopperProfiles } from './0013-shopper-profiles.js';
import { orderBonus } from './0014-order-bonus.js';
import { urgencyStages } from './0015-urgency-stages.js';
import { waitlist } from './0016-waitlist.js';
import { waitlistKeys } from './0017-waitlist-keys.js';
import { checkoutPayments } from './0018-checkout-payments.js';
import { savedCardCustomers } from './0019-saved-card-customers.js';
import { holdOfferTenancy } from './0020-hold-offer-tenancy.js';

/**
 * Migrations in order. Each is a list of plain PostgreSQL statements, the same SQL on PGlite
 * and on a server; they run one statement at a time because PGlite's extended protocol takes
 * one statement per query. Never edit a migration that has shipped: add the next one.
 */
export const migrations: Record<string, readonly string[]> = {
  '0001-foundation': foundation,
  '0002-drops': drops,
  '0003-fulfilment': fulfilment,
  '0004-audit': audit,
  '0005-notifications': notifications,
  '0006-governance': governance,
  '0007-shows': shows,
  '0008-sold-units': soldUnits,
  '0009-stock-alerts': stockAlerts,
  '0010-market-reserves': marketReserves,
  '0011-market-stock-alerts': marketStockAlerts,
  '0012-market-low-stock': marketLowStock,
  '0013-shopper-profiles': shopperProfiles,
  '0014-order-bonus': orderBonus,
  '0015-urgency-stages': urgencyStages,
  '0016-waitlist': waitlist,
  '0017-waitlist-keys': waitlistKeys,
  '0018-checkout-payments': checkoutPayments,
  '0019-saved-card-customers': savedCardCustomers,
  '0020-hold-offer-tenancy': holdOfferTenancy,
};
