/** The operations GraphiQL opens with, ready to run top to bottom. */
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to Cinegraph: AI video (text-to-video, image-to-video, transitions) over GraphQL.
#
# 1. Run "Generate" to start a video. Copy the generation id it returns.
# 2. Paste it into the variables ({"id": "..."}) and run "Follow": every status
#    transition streams in over WebSocket until the video URL arrives.
# 3. "Read" answers the current state at any time; "History" pages through yours.
# 4. "Animate" (last) starts from an image URL; add lastFrame for a transition.

mutation Generate {
  generateVideo(
    input: {
      prompt: "A menacing evil dragon appears in a distance above the tallest mountain, then rushes toward the camera with its jaws open, revealing massive fangs. We see it's coming."
      resolution: P1080
      duration: 5
      idempotencyKey: "graphiql-example-1"
    }
  ) {
    generation { id status progress estimatedCompletionAt }
    userErrors { code message field retryAfterSeconds }
  }
}

subscription Follow($id: ID!) {
  videoGenerationUpdates(id: $id) {
    id
    status
    providerStatus
    model
    progress
    estimatedCompletionAt
    video { url contentType fileSize }
    error { code message }
  }
}

query Read($id: ID!) {
  videoGeneration(id: $id) {
    id status progress createdAt completedAt
    video { url providerUrl }
    transitions { status providerStatus at }
  }
}

query History {
  videoGenerations(first: 10) {
    edges { cursor node { id status prompt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}

mutation Animate {
  generateVideo(
    input: {
      prompt: "The lighthouse beam sweeps across the sea as storm clouds roll in"
      firstFrame: { url: "https://upload.wikimedia.org/wikipedia/commons/thumb/3/3f/Fronalpstock_big.jpg/800px-Fronalpstock_big.jpg" }
      idempotencyKey: "graphiql-example-image-1"
    }
  ) {
    generation { id status model firstFrame { url } progress estimatedCompletionAt }
    userErrors { code message field }
  }
}
`;
