// The function: it answers with the event it was given.
export const handler = async (event) => ({ received: event });
