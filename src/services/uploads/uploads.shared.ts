// Client-side registration of the uploads service.
import type { Id, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Upload, UploadData, UploadPatch, UploadQuery } from './uploads.class'

export type { Upload, UploadData, UploadPatch, UploadQuery }

export interface UploadClientService {
  find(params?: Params<UploadQuery>): Promise<{ total: number; limit: number; skip: number; data: Upload[] }>
  get(id: Id, params?: Params): Promise<Upload>
  create(data: UploadData, params?: Params): Promise<Upload>
  patch(id: Id, data: UploadPatch, params?: Params): Promise<Upload>
  remove(id: Id, params?: Params): Promise<Upload>
}

export const uploadPath = 'uploads'

export const uploadMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export const uploadClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(uploadPath, connection.service(uploadPath), { methods: [...uploadMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [uploadPath]: UploadClientService
  }
}
