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

    /// Mints ids[i] to recipients[i] (benchmarks and bulk demo setups).
    function mintBatch(address[] calldata recipients, uint256[] calldata ids) external onlyOwner {
        require(recipients.length == ids.length, "recipients and ids differ in length");
        for (uint256 i = 0; i < ids.length; i++) {
            _mint(recipients[i], ids[i]);
        }
    }

    function setBaseURI(string calldata baseURI) external onlyOwner {
        baseTokenURI = baseURI;
    }

    function _baseURI() internal view override returns (string memory) {
        return baseTokenURI;
    }
}
