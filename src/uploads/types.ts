// The allowed file types: content type -> extensions, size category and the first bytes every such file starts
// with. The check job compares an object's first bytes with its declared type (a PNG named `.pdf` is refused).
export type UploadCategory = 'image' | 'video' | 'audio' | 'document'

export interface FileType {
  category: UploadCategory
  extensions: string[]
  // True when `head` (the object's first bytes, at least HEAD_BYTES when the file is that long) fits the type.
  matches: (head: Buffer) => boolean
}

// Enough for every signature below (mp4's `ftyp` box sits at offset 4).
export const HEAD_BYTES = 16

const startsWith = (head: Buffer, bytes: number[] | string, offset = 0) => {
  const expected = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)
  return (
    head.length >= offset + expected.length &&
    head.subarray(offset, offset + expected.length).equals(expected)
  )
}

export const FILE_TYPES: Record<string, FileType> = {
  'image/jpeg': {
    category: 'image',
    extensions: ['jpg', 'jpeg'],
    matches: (h) => startsWith(h, [0xff, 0xd8, 0xff])
  },
  'image/png': {
    category: 'image',
    extensions: ['png'],
    matches: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  },
  'image/gif': {
    category: 'image',
    extensions: ['gif'],
    matches: (h) => startsWith(h, 'GIF87a') || startsWith(h, 'GIF89a')
  },
  'video/mp4': { category: 'video', extensions: ['mp4'], matches: (h) => startsWith(h, 'ftyp', 4) },
  // An ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
  'audio/mpeg': {
    category: 'audio',
    extensions: ['mp3'],
    matches: (h) => startsWith(h, 'ID3') || (h.length >= 2 && h[0] === 0xff && (h[1] & 0xe0) === 0xe0)
  },
  'audio/wav': {
    category: 'audio',
    extensions: ['wav'],
    matches: (h) => startsWith(h, 'RIFF') && startsWith(h, 'WAVE', 8)
  },
  'application/pdf': { category: 'document', extensions: ['pdf'], matches: (h) => startsWith(h, '%PDF-') },
  // A .docx is a ZIP container; its parts are not inspected.
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    category: 'document',
    extensions: ['docx'],
    matches: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04])
  }
}

export const allowedContentTypes = Object.keys(FILE_TYPES)

// Content types browsers may show inline; everything else downloads as an attachment.
export const isInlineType = (contentType: string) => FILE_TYPES[contentType]?.category === 'image'

// Content-Disposition with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987).
export const contentDisposition = (type: 'inline' | 'attachment', filename: string) => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
