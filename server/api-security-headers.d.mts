export declare const API_SECURITY_HEADERS: Readonly<Record<string, string>>;
