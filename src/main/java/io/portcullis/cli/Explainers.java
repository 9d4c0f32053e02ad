package io.portcullis.cli;

import io.portcullis.forward.BindFailureExplainer;
import io.portcullis.ports.BindFailure;

/** Which explainer of bind failures the gateway gets: the host inspector's, when it is there. */
final class Explainers {

    private Explainers() {}

    static BindFailureExplainer bindFailure() {
        return BindFailure::explain;
    }
}
