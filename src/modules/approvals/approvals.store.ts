import type { Db } from '../../db/database.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { DocumentsRepository } from './documents.repository.js';
import { ReviewsRepository } from './reviews.repository.js';

/**
 * The approvals module's repositories over one connection, so a service can run several of
 * their calls in one transaction (`transaction` hands it a store bound to the transaction).
 * Nothing outside the module (audit, scheduler, notifier) may be called inside one: on
 * PGlite the transaction holds the only connection.
 */
export class ApprovalsStore {
  readonly campaigns: CampaignsRepository;
  readonly documents: DocumentsRepository;
  readonly reviews: ReviewsRepository;

  constructor(private readonly db: Db) {
    this.campaigns = new CampaignsRepository(db);
    this.documents = new DocumentsRepository(db);
    this.reviews = new ReviewsRepository(db);
  }

  transaction<T>(work: (store: ApprovalsStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ApprovalsStore(trx)));
  }
}
