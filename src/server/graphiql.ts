/** The operations GraphiQL opens with, ready to run top to bottom. */
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to Cinegraph: AI text-to-video over GraphQL.
#
# 1. Run "Generate" to start a video. Copy the generation id it returns.
# 2. Paste it into the variables ({"id": "..."}) and run "Follow": every status
#    transition streams in over WebSocket until the video URL arrives.
# 3. "Read" answers the current state at any time; "History" pages through yours.

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
`;
