/**
 * nft-bridge: SIWE wallet sign-in, ERC-721/1155 ownership, metadata, bindings that follow transfers, token
 * gates — built on viem. Public surface of the part. Nothing is implemented yet (see the NFT bridge issue);
 * this file only fixes where the part lives and that it must not import server/.
 */
export {};
