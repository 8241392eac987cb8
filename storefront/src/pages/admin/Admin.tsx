// The admin area (its own chunk, loaded only for admins): products and orders.
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { AdminOrder, AdminOrders } from './Orders';
import { AdminOutbox } from './Outbox';
import { AdminProducts } from './Products';
import { ProductEditor } from './ProductEditor';

export default function Admin() {
  return (
    <div className="page admin">
      <nav aria-label="Admin" className="admin-nav">
        <NavLink to="/admin/products">Products</NavLink>
        <NavLink to="/admin/orders">Orders</NavLink>
        <NavLink to="/admin/outbox">Outbox</NavLink>
      </nav>
      <Routes>
        <Route index element={<Navigate to="products" replace />} />
        <Route path="products" element={<AdminProducts />} />
        <Route path="products/new" element={<ProductEditor />} />
        <Route path="products/:id" element={<ProductEditor />} />
        <Route path="orders" element={<AdminOrders />} />
        <Route path="orders/:id" element={<AdminOrder />} />
        <Route path="outbox" element={<AdminOutbox />} />
        <Route path="*" element={<Navigate to="products" replace />} />
      </Routes>
    </div>
  );
}
