// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Test contracts for the bridge's fault handling: one reverts on every call, one claims every interface.
contract RevertingToken {
    fallback() external {
        revert("always reverts");
    }
}

contract LyingToken {
    function supportsInterface(bytes4) external pure returns (bool) {
        return true;
    }
}
