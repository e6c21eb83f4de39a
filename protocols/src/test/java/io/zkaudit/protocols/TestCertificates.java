package io.zkaudit.protocols;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * A self-signed server certificate for "localhost" (RSA 2048, SHA-256, valid for a day), written as
 * PEM files: the certificate (also what the buyer trusts) and the PKCS#8 private key. Built with
 * BouncyCastle's ASN.1 classes (bcprov), signed with the JDK's RSA.
 */
public record TestCertificates(Path certificate, Path privateKey) {
  public static TestCertificates localhost(Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair keys = g.generateKeyPair();
    AlgorithmIdentifier sha256WithRsa =
        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    X500Name name = new X500Name("CN=localhost");
    long now = System.currentTimeMillis();
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(now)));
    tbs.setSignature(sha256WithRsa);
    tbs.setIssuer(name);
    tbs.setSubject(name);
    tbs.setStartDate(new Time(new Date(now - 60_000)));
    tbs.setEndDate(new Time(new Date(now + 86_400_000)));
    tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
    ExtensionsGenerator ext = new ExtensionsGenerator();
    // The client checks that the certificate names the host it dialled.
    ext.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
    tbs.setExtensions(ext.generate());
    TBSCertificate body = tbs.generateTBSCertificate();
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(keys.getPrivate());
    signer.update(body.getEncoded(ASN1Encoding.DER));
    ASN1EncodableVector cert = new ASN1EncodableVector();
    cert.add(body);
    cert.add(sha256WithRsa);
    cert.add(new DERBitString(signer.sign()));
    Path certFile = dir.resolve("seller.crt");
    Path keyFile = dir.resolve("seller.key.pem");
    Files.writeString(
        certFile,
        pem("CERTIFICATE", new DERSequence(cert).getEncoded(ASN1Encoding.DER)),
        StandardCharsets.US_ASCII);
    Files.writeString(
        keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    return new TestCertificates(certFile, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
