// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// The dev chain's demo ERC-721: the deployer mints; token URIs are baseURI + id.
contract DemoCollectibles is ERC721, Ownable {
    string private baseTokenURI;

    constructor(string memory baseURI) ERC721("Demo Collectibles", "DEMO") Ownable(msg.sender) {
        baseTokenURI = baseURI;
    }

    function mint(address to, uint256 tokenId) external onlyOwner {
        _safeMint(to, tokenId);
    }

    function setBaseURI(string calldata baseURI) external onlyOwner {
        baseTokenURI = baseURI;
    }

    function _baseURI() internal view override returns (string memory) {
        return baseTokenURI;
    }
}
