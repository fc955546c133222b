/** Where devices find the server and the agent APK, for managed-provisioning payloads. */
export interface ProvisioningOptions {
  /** Base URL of the agent routes as devices reach it, e.g. `https://mdm.example.com/mdm`. */
  serverUrl: string;
  agentApk: {
    /** Where the device downloads the agent APK during provisioning. */
    url: string;
    /** SHA-256 of the APK file, hex; or give `checksum` already in Android's URL-safe base64 form. */
    sha256?: string;
    checksum?: string;
    /** URL-safe base64 SHA-256 of the APK's signing certificate, used instead of the file checksum. */
    signatureChecksum?: string;
  };
}
