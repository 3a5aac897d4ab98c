// Client-side registration of the receipts service.
import type { ClientApplication } from '../../client'
import type {
  MemberPointer,
  Receipt,
  ReceiptData,
  ReceiptPage,
  ReceiptQuery,
  ReceiptService
} from './receipts.class'

export type { MemberPointer, Receipt, ReceiptData, ReceiptPage, ReceiptQuery }

export type ReceiptClientService = Pick<ReceiptService, (typeof receiptMethods)[number]>

export const receiptPath = 'receipts'

export const receiptMethods = ['find', 'create'] as const

export const receiptClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(receiptPath, connection.service(receiptPath), { methods: [...receiptMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [receiptPath]: ReceiptClientService
  }
}
