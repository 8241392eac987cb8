import { Link } from 'react-router';

export function Footer() {
  return (
    <footer className="footer">
      <div className="footer-inner">
        <nav aria-label="Footer">
          <ul>
            <li>
              <Link to="/products">All products</Link>
            </li>
            <li>
              <Link to="/cart">Cart</Link>
            </li>
            <li>
              <Link to="/account">Your account</Link>
            </li>
          </ul>
        </nav>
        <p>Prices exclude tax; the cart adds tax for your country and shipping.</p>
        <p className="muted">Edgecart — edge commerce on WebAssembly.</p>
      </div>
    </footer>
  );
}
