// Texts a node sends that a client must recognise (contract.md §1).

/** The message of the Unavailable a node answers when keyviz is switched off. */
export const KEYVIZ_DISABLED_MESSAGE = 'keyviz sampler not configured on this node';
