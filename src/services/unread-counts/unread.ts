// The one definition of "unread" as SQL: messages after a member's read pointer that are not the member's own
// and not unsent or deleted. Arguments are column references (never user input). It walks the (room_id, seq)
// index from the pointer, so it costs what is unread, not the room's history.
// rooms.view.ts uses it too, so rooms.find and unread-counts cannot disagree.
export const unreadSql = (roomId: string, pointer: string, userId: string) =>
  `(select count(*) from messages m where m.room_id = ${roomId} and m.seq > ${pointer}
    and m.sender_id is distinct from ${userId} and m.unsent_at is null and m.deleted_at is null)::int`

// Same count, skipping the sub-query for rooms with nothing after the pointer (most rooms of a busy user).
export const unreadSqlWithLastSeq = (roomId: string, pointer: string, userId: string, lastSeq: string) =>
  `(case when ${lastSeq} <= ${pointer} then 0 else ${unreadSql(roomId, pointer, userId)} end)`
