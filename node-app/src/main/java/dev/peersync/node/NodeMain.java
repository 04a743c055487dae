package dev.peersync.node;

/** Entry point of a node. Wiring lands with the node-app issue. */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) {
        System.out.println("peersync node: not wired yet");
    }
}
